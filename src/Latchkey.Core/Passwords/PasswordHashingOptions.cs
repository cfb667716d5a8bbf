namespace Latchkey.Passwords;

/// <summary>
/// Argon2id parameters and the bound on concurrent hashing (configuration section
/// <c>Latchkey:Passwords</c>). The defaults are OWASP's minimum for Argon2id.
/// </summary>
public sealed class PasswordHashingOptions
{
    /// <summary>Memory cost in KiB.</summary>
    /// <value>The default value is 19456 (19 MiB).</value>
    public int MemorySizeKiB { get; set; } = 19456;

    /// <summary>Number of passes over memory (time cost).</summary>
    /// <value>The default value is 2.</value>
    public int Iterations { get; set; } = 2;

    /// <summary>
    /// Degree of parallelism. libsodium, which computes the hash, supports only 1; the value is part
    /// of the PHC string and checked at start.
    /// </summary>
    /// <value>The default value is 1.</value>
    public int Parallelism { get; set; } = 1;

    /// <summary>How many hashes may be computed at once; each holds <see cref="MemorySizeKiB"/> of memory.</summary>
    /// <value>The default value is the number of processors.</value>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>How many requests may wait for a hashing slot; beyond it they are refused at once.</summary>
    /// <value>The default value is 64.</value>
    public int MaxQueueLength { get; set; } = 64;

    /// <summary>How long a request waits for a hashing slot before it is refused with 503.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
