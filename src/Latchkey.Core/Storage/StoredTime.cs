namespace Latchkey.Storage;

/// <summary>Stores keep times as Unix milliseconds; values are cut to that precision before they are stored or returned.</summary>
public static class StoredTime
{
    /// <summary><paramref name="value"/> cut to whole milliseconds, so that what is returned equals what is stored.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
