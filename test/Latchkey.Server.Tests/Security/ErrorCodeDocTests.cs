using Latchkey.Grants;
using System.Collections.Frozen;
using System.Reflection;
using Latchkey.AspNetCore.Http;
using Latchkey.Testing;
using Latchkey.Tokens;

namespace Latchkey.Server.Tests.Security;

/// <summary>
/// Every code the server can answer, as a problem's <c>code</c> or an OAuth <c>error</c>, has its own
/// anchor in docs/errors.md, which a problem's <c>type</c> and the reader's link both point to.
/// </summary>
public sealed class ErrorCodeDocTests
{
    [Fact]
    public void EveryErrorCode_HasAnAnchorInErrorsDoc()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryFolder.Root(), "docs", "errors.md"));
        var codes = Constants(typeof(LatchkeyErrors)).Concat(Constants(typeof(OAuthErrors))).Concat(CatalogueCodes()).Distinct().ToList();
        Assert.Contains(LatchkeyErrors.StoreUnavailable, codes);
        Assert.Contains(OAuthErrors.InvalidGrant, codes);

        var missing = codes.Where(code => !doc.Contains($"<a id=\"{code}\"></a>", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Codes without an anchor in docs/errors.md: " + string.Join(", ", missing));
    }

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    // The codes LatchkeyProblems can write, whether or not a constant names them.
    private static System.Collections.Immutable.ImmutableArray<string> CatalogueCodes()
    {
        var field = typeof(LatchkeyProblems).GetField("Catalogue", BindingFlags.NonPublic | BindingFlags.Static);
        Assert.NotNull(field);
        return ((FrozenDictionary<string, (int Status, string Title)>)field.GetValue(null)!).Keys;
    }
}
