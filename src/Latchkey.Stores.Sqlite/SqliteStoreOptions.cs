namespace Latchkey.Stores.Sqlite;

/// <summary>Where the SQLite database lives.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file's name inside the data directory.</summary>
    /// <value>The default value is <c>latchkey.db</c>.</value>
    public string FileName { get; set; } = "latchkey.db";

    /// <summary>
    /// The data directory; when null, <c>Latchkey:DataDirectory</c> is used.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? DataDirectory { get; set; }
}
