using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Latchkey.AspNetCore.OpenApi;

/// <summary>
/// Corrects the schemas of Latchkey's own types where the generator reads them as the host's JSON options would, not as
/// Latchkey reads and writes them: numbers are never strings (its JSON is <c>NumberHandling.Strict</c>), and the members of
/// the documentation types (<see cref="TokenRequest"/>, <see cref="LatchkeyProblem"/>…) are absent when unset, never
/// null. Also turns their <see cref="DescriptionAttribute"/> and <see cref="AllowedValuesAttribute"/> into
/// <c>description</c> and <c>enum</c>, which the generator does not read.
/// </summary>
internal sealed class LatchkeySchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly Assembly Latchkey = typeof(LatchkeySchemaTransformer).Assembly;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (context.JsonPropertyInfo is { } property)
        {
            if (property.DeclaringType.Assembly == Latchkey)
            {
                TransformMember(schema, property.DeclaringType, property.AttributeProvider);
            }
        }
        else if (context.JsonTypeInfo.Type is { } type && type.Assembly == Latchkey && IsDocumentationType(type)
            && type.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema.Description = description.Description;
        }

        return Task.CompletedTask;
    }

    private static void TransformMember(OpenApiSchema schema, Type declaringType, ICustomAttributeProvider? attributes)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Integer) && type.HasFlag(JsonSchemaType.String))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (!IsDocumentationType(declaringType))
        {
            return;
        }

        if (schema.Type is { } nullable)
        {
            schema.Type = nullable & ~JsonSchemaType.Null;
        }

        if (attributes?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false) is [DescriptionAttribute description, ..])
        {
            schema.Description = description.Description;
        }

        if (attributes?.GetCustomAttributes(typeof(AllowedValuesAttribute), inherit: false) is [AllowedValuesAttribute allowed, ..])
        {
            schema.Enum = [.. allowed.Values.Select(value => (JsonNode)JsonValue.Create(value?.ToString())!)];
        }
    }

    private static bool IsDocumentationType(Type type) => type.Namespace == typeof(LatchkeySchemaTransformer).Namespace;
}
