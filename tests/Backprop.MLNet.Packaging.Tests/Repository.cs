namespace Backprop.MLNet.Packaging.Tests;

/// <summary>Where the repository is, relative to this test assembly.</summary>
internal static class Repository
{
    /// <summary>The folder above this assembly that holds Backprop.MLNet.sln, or null where the tests run outside a clone.</summary>
    public static string? Root { get; } = FindRoot();

    public const string Missing = "These tests read the repository (Backprop.MLNet.sln above the test assembly), which is absent here.";

    /// <summary>The build configuration this assembly was built in (tests/&lt;project&gt;/bin/&lt;configuration&gt;/&lt;framework&gt;/).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The repository's root; skips the test where there is none.</summary>
    public static string RequireRoot()
    {
        Skip.If(Root is null, Missing);
        return Root!;
    }

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.MLNet.sln")))
                return dir.FullName;
        return null;
    }
}
