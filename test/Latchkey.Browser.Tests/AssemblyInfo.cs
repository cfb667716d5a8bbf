// Each class starts its own browser and server; running them one at a time keeps two shared CPU cores calm.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
