namespace Backprop.MLNet.Packaging.Tests;

/// <summary>
/// The solution packed once (<c>dotnet pack --no-build</c>, this assembly's configuration) into a temporary folder,
/// shared by the tests that install from it.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    /// <summary>The packages' version, as Directory.Build.props sets it.</summary>
    public const string Version = "0.1.0";

    /// <summary>Every package (and symbol package) dotnet pack must write.</summary>
    public static readonly string[] Expected =
    [
        $"Backprop.{Version}.nupkg", $"Backprop.{Version}.snupkg",
        $"Backprop.MLNet.{Version}.nupkg", $"Backprop.MLNet.{Version}.snupkg",
        $"Backprop.MLNet.Comparison.{Version}.nupkg", $"Backprop.MLNet.Comparison.{Version}.snupkg",
        $"backprop-compare.{Version}.nupkg",
    ];

    private readonly Lazy<string> folder;

    public PackedPackages() => folder = new Lazy<string>(Pack);

    /// <summary>The folder holding the packages; packs on first use, skipping the test outside a clone.</summary>
    public string Folder
    {
        get
        {
            Repository.RequireRoot();
            return folder.Value;
        }
    }

    private static string Pack()
    {
        string root = Repository.Root!;
        string output = DotnetCommand.TempFolder("packages");
        DotnetCommand.Run(root, TimeSpan.FromMinutes(5), "pack", Path.Combine(root, "Backprop.MLNet.sln"),
            "-c", Repository.Configuration, "--no-build", "-o", output).Succeeded();
        return output;
    }

    public void Dispose()
    {
        if (folder.IsValueCreated)
            Directory.Delete(folder.Value, recursive: true);
    }
}

/// <summary>The tests that share one <see cref="PackedPackages"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packed packages";
}
