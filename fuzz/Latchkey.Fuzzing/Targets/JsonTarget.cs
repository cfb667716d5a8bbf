using Latchkey.Accounts;
using Latchkey.AspNetCore.Http;
using Microsoft.AspNetCore.Http;

namespace Latchkey.Fuzzing.Targets;

/// <summary>
/// The JSON body reader with the source-generated request types (<see cref="CredentialsRequest"/> and
/// <see cref="ChangePasswordRequest"/>), then the account input rules that run on what it read. The input
/// is a request: header lines, an empty line, the body.
/// </summary>
public sealed class JsonTarget : IFuzzTarget
{
    /// <inheritdoc />
    public string Name => "json";

    /// <inheritdoc />
    public void Run(ReadOnlySpan<byte> input)
    {
        var credentials = Read(input, LatchkeyJsonContext.Default.CredentialsRequest);
        if (credentials is not null)
        {
            EmailAddress.Validate(credentials.Email, out _);
            PasswordPolicy.Validate(credentials.Password);
        }

        var change = Read(input, LatchkeyJsonContext.Default.ChangePasswordRequest);
        if (change is not null)
        {
            PasswordPolicy.Validate(change.NewPassword);
            if (change.CurrentPassword is { } current)
            {
                PasswordPolicy.TryNormalize(current, out _);
            }
        }
    }

    private static T? Read<T>(ReadOnlySpan<byte> input, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        var context = FuzzRequest.Create(input, HttpMethods.Post);
        var (value, problem) = JsonBody.ReadAsync(context, type, FormTarget.MaxBodyBytes).GetAwaiter().GetResult();
        if ((value is null) == (problem is null))
        {
            throw new UndocumentedOutcomeException("The reader gave both a value and a problem, or neither.");
        }

        if (problem is not null)
        {
            HttpOutcome.RequireClientError(context, problem);
        }

        return value;
    }
}
