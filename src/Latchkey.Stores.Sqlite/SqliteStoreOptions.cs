namespace Latchkey.Stores.Sqlite;

/// <summary>Where the SQLite database lives and how hard it holds on to each commit.</summary>
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

    /// <summary>
    /// How each commit reaches the disk. <see cref="SqliteDurability.Full"/> waits for the disk on every
    /// commit, so a power loss keeps every answered logout, revocation and refresh rotation.
    /// <see cref="SqliteDurability.Normal"/> (SQLite's <c>synchronous=NORMAL</c> under WAL) skips that wait:
    /// still safe when the process crashes, but a power loss or OS crash may drop the last commits, such as
    /// a logout, which would then work again. Several times the write throughput; opt in knowingly.
    /// </summary>
    /// <value>The default value is <see cref="SqliteDurability.Full"/>.</value>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;
}

/// <summary>How SQLite commits reach the disk (its <c>synchronous</c> setting).</summary>
public enum SqliteDurability
{
    /// <summary>Every commit waits for the disk (<c>synchronous=FULL</c>).</summary>
    Full,

    /// <summary>Commits wait for the disk only at WAL checkpoints (<c>synchronous=NORMAL</c>).</summary>
    Normal,
}
