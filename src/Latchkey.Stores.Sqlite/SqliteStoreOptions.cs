namespace Latchkey.Stores.Sqlite;

/// <summary>Where the SQLite database lives and how hard it holds on to each commit.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The longest <see cref="GroupCommitWindow"/> allowed: longer would only add latency.</summary>
    public static readonly TimeSpan MaxGroupCommitWindow = TimeSpan.FromMilliseconds(10);

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

    /// <summary>
    /// Group commit: refresh-token rotations and revocation writes that arrive together run in one
    /// transaction, so that one commit (one wait for the disk with <see cref="SqliteDurability.Full"/>)
    /// serves them all; none is answered before that commit. While the previous batch had more than one
    /// write, a batch waits up to this long for more writes to join; a lone write on a quiet server never
    /// waits. Zero: never wait (writes that queue during a commit still share the next one). Between zero
    /// and 10 milliseconds.
    /// </summary>
    /// <value>The default value is 1 millisecond.</value>
    public TimeSpan GroupCommitWindow { get; set; } = TimeSpan.FromMilliseconds(1);
}

/// <summary>How SQLite commits reach the disk (its <c>synchronous</c> setting).</summary>
public enum SqliteDurability
{
    /// <summary>Every commit waits for the disk (<c>synchronous=FULL</c>).</summary>
    Full,

    /// <summary>Commits wait for the disk only at WAL checkpoints (<c>synchronous=NORMAL</c>).</summary>
    Normal,
}
