namespace Latchkey.Stores.Relational;

/// <summary>One step of a schema. A released step never changes; new schema is a new version.</summary>
/// <param name="Version">Its number, in order.</param>
/// <param name="Name">What it adds.</param>
/// <param name="Sql">The statements.</param>
public sealed record Migration(int Version, string Name, string Sql);
