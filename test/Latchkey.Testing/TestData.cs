namespace Latchkey.Testing;

/// <summary>Shared test values.</summary>
public static class TestData
{
    /// <summary>A password that satisfies the policy.</summary>
    public const string Password = "correct horse battery";

    /// <summary>A unique email address.</summary>
    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";
}
