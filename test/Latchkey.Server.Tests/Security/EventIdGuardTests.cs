using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Security;

/// <summary>
/// Every log event Latchkey writes, the audit trail's included, is a <c>[LoggerMessage]</c> with an id
/// that no other event of any Latchkey assembly uses, so that a log query by id finds one event only.
/// </summary>
public sealed class EventIdGuardTests
{
    private static readonly string[] ShippedAssemblies =
    [
        "Latchkey.Core", "Latchkey.AspNetCore", "Latchkey.AspNetCore.ResourceServer", "Latchkey.Server",
        "Latchkey.Stores.Relational", "Latchkey.Stores.Sqlite", "Latchkey.Stores.PostgreSql", "Latchkey.Stores.Redis",
    ];

    [Fact]
    public void LoggerMessageIds_AreUniqueAcrossEveryAssembly()
    {
        var events = LoggerMessages().ToList();
        Assert.Contains(events, e => e.Where.StartsWith("Latchkey.Core:Latchkey.Diagnostics.SecurityAudit.", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Where.StartsWith("Latchkey.Stores.Redis:", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Where.StartsWith("Latchkey.AspNetCore.ResourceServer:", StringComparison.Ordinal));

        var clashes = events.GroupBy(e => e.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Where))}").ToList();
        Assert.True(clashes.Count == 0, "Event ids used twice:\n" + string.Join("\n", clashes));
    }

    [Fact]
    public void LoggerMessages_HavePositiveIdsAndNames()
    {
        var unnamed = LoggerMessages().Where(e => e.Id <= 0 || string.IsNullOrEmpty(e.Name)).Select(e => e.Where).ToList();
        Assert.True(unnamed.Count == 0, "Events without an id or EventName:\n" + string.Join("\n", unnamed));
    }

    private static IEnumerable<(int Id, string? Name, string Where)> LoggerMessages()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var name in ShippedAssemblies)
        {
            var assembly = Assembly.Load(name);
            foreach (var type in assembly.GetTypes())
            {
                foreach (var method in type.GetMethods(all))
                {
                    if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } message)
                    {
                        yield return (message.EventId, message.EventName, $"{name}:{type.FullName}.{method.Name}");
                    }
                }
            }
        }
    }
}
