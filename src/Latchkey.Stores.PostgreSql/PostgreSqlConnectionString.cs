namespace Latchkey.Stores.PostgreSql;

/// <summary>The PostgreSQL connection string, as a service so that it is not confused with other strings.</summary>
/// <param name="Value">The Npgsql connection string.</param>
public sealed record PostgreSqlConnectionString(string Value);
