namespace Latchkey.Testing;

/// <summary>Finds the checkout the tests run from.</summary>
public static class RepositoryFolder
{
    /// <summary>The folder holding <c>Latchkey.slnx</c> above the running test assembly.</summary>
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Latchkey.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No Latchkey.slnx above {AppContext.BaseDirectory}.");
    }
}
