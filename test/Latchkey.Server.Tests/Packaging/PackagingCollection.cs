namespace Latchkey.Server.Tests.Packaging;

/// <summary>
/// Packing and building take both cores for a minute or two: no other test class of this assembly runs meanwhile,
/// so that none of them is slowed into a timeout by it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Packaging";
}
