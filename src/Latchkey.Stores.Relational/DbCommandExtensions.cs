using System.Data.Common;

namespace Latchkey.Stores.Relational;

/// <summary>Commands with <c>@name</c> parameters, a syntax every supported backend reads.</summary>
public static class DbCommandExtensions
{
    /// <summary>Creates a command with parameters; <see langword="null"/> values become <see cref="DBNull"/>.</summary>
    public static DbCommand Command(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>Creates a command inside <paramref name="transaction"/>.</summary>
    public static DbCommand Command(this DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var command = transaction.Connection!.Command(sql, parameters);
        command.Transaction = transaction;
        return command;
    }

    /// <summary>A nullable string column.</summary>
    public static string? GetNullableString(this DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    /// <summary>A nullable integer column.</summary>
    public static long? GetNullableInt64(this DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
    }

    /// <summary>A binary column.</summary>
    public static byte[] GetBytes(this DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return (byte[])reader.GetValue(ordinal);
    }

    /// <summary>Unix milliseconds, the stored form of every time.</summary>
    public static long ToUnixMs(this DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    /// <summary>A stored time.</summary>
    public static DateTimeOffset GetTime(this DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
    }
}
