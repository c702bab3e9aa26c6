using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.MLNet.Packaging.Tests;

/// <summary>What each package holds: its metadata, assembly, XML docs, README and symbols, and only the dependencies a consumer needs.</summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageContentTests(PackedPackages packages)
{
    [SkippableFact]
    public void Pack_writes_every_package_and_symbol_package()
    {
        var written = Directory.GetFiles(packages.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(PackedPackages.Expected.Order(StringComparer.Ordinal), written);
    }

    [SkippableTheory]
    [InlineData("Backprop")]
    [InlineData("Backprop.MLNet")]
    [InlineData("Backprop.MLNet.Comparison")]
    public void Library_package_has_metadata_docs_readme_and_symbols(string id)
    {
        using var package = Open(id);
        var metadata = Metadata(package);
        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(PackedPackages.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Contains("ML.NET", Value(metadata, "tags"));
        // Placeholders under the reserved .invalid domain until the project has a home.
        Assert.EndsWith(".invalid", new Uri(Value(metadata, "projectUrl")).Host);

        string readme = Text(package, "README.md");
        Assert.Contains($"dotnet add package {id}", readme);
        Assert.Contains("```csharp", readme);

        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
        using var symbols = ZipFile.OpenRead(Path.Combine(packages.Folder, $"{id}.{PackedPackages.Version}.snupkg"));
        Assert.NotNull(symbols.GetEntry($"lib/net10.0/{id}.pdb"));
    }

    [SkippableFact]
    public void Trainers_package_depends_on_the_engine_and_exactly_MLNet_5_0_1_and_nothing_of_the_publicizer()
    {
        using var package = Open("Backprop.MLNet");
        var dependencies = Metadata(package).Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);
        Assert.Equal(new Dictionary<string, string> { ["Backprop"] = PackedPackages.Version, ["Microsoft.ML"] = "[5.0.1]" }, dependencies);
        var files = package.Entries.Select(e => e.FullName).ToArray();
        Assert.DoesNotContain(files, f => f.Contains("Publicizer", StringComparison.OrdinalIgnoreCase) || f.Contains("Cecil", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, f => f.Contains("Microsoft.ML", StringComparison.Ordinal)); // the real ML.NET comes from its own package
    }

    [SkippableFact]
    public void Tool_package_installs_the_backprop_compare_command()
    {
        using var package = Open("backprop-compare");
        Assert.Contains(Metadata(package).Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
        var settings = XDocument.Parse(Text(package, "tools/net10.0/any/DotnetToolSettings.xml"));
        var command = Assert.Single(settings.Descendants("Command"));
        Assert.Equal("backprop-compare", (string?)command.Attribute("Name"));
        Assert.Equal("CompareTrainers.dll", (string?)command.Attribute("EntryPoint"));
        Assert.NotNull(package.GetEntry("README.md"));
    }

    private ZipArchive Open(string id) => ZipFile.OpenRead(Path.Combine(packages.Folder, $"{id}.{PackedPackages.Version}.nupkg"));

    private static XElement Metadata(ZipArchive package)
    {
        var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = nuspec.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? throw new Xunit.Sdk.XunitException($"the nuspec has no <{name}>");

    private static string Text(ZipArchive package, string path)
    {
        var entry = package.GetEntry(path) ?? throw new Xunit.Sdk.XunitException($"the package has no {path}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
