using System.Text;
using Microsoft.Data.Sqlite;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Reads a server's embedded SQLite database directly, to check what is really stored.</summary>
public sealed class LatchkeyDatabase
{
    private readonly string _dataDirectory;

    public LatchkeyDatabase(string dataDirectory) => _dataDirectory = dataDirectory;

    public string FilePath => Path.Combine(_dataDirectory, "latchkey.db");

    public long CountAccounts() => Scalar<long>("SELECT COUNT(*) FROM accounts");

    public long CountSessions(string userId) =>
        Scalar<long>("SELECT COUNT(*) FROM sessions WHERE user_id = $p", userId);

    public string PasswordHashOf(string accountId) =>
        Scalar<string>("SELECT password_hash FROM accounts WHERE id = $p", accountId);

    /// <summary>Each message waiting in the mail outbox: attempts so far, when it is next due, and until when it is leased.</summary>
    public IReadOnlyList<(long Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset LeaseUntil)> OutboxRows()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempts, next_attempt_at, lease_until FROM mail_outbox";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, DateTimeOffset, DateTimeOffset)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }

        return rows;
    }

    /// <summary>The <c>id_hash</c> of every session of <paramref name="userId"/>.</summary>
    public IReadOnlyList<byte[]> SessionIdHashesOf(string userId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id_hash FROM sessions WHERE user_id = $p";
        command.Parameters.AddWithValue("$p", userId);
        using var reader = command.ExecuteReader();
        var hashes = new List<byte[]>();
        while (reader.Read())
        {
            hashes.Add((byte[])reader.GetValue(0));
        }

        return hashes;
    }

    /// <summary>Every value of every column of every table, as (table, column, value).</summary>
    public IReadOnlyList<(string Table, string Column, object Value)> AllValues()
    {
        using var connection = Open();
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var values = new List<(string, string, object)>();
        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values.Add((table, reader.GetName(i), reader.GetValue(i)));
                }
            }
        }

        return values;
    }

    /// <summary>Whether <paramref name="secret"/> occurs, as UTF-8, anywhere in the database or WAL files.</summary>
    public bool FilesContain(string secret)
    {
        var needle = Encoding.UTF8.GetBytes(secret);
        foreach (var path in new[] { FilePath, FilePath + "-wal", FilePath + "-journal" })
        {
            if (!File.Exists(path))
            {
                continue;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private T Scalar<T>(string sql, string? parameter = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("$p", parameter);
        }

        var value = command.ExecuteScalar();
        return value is T typed ? typed : throw new InvalidOperationException($"'{sql}' returned {value ?? "null"}.");
    }

    // No pooling: the test must not keep the file open after it has looked.
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
