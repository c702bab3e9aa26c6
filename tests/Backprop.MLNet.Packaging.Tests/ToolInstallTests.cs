using Xunit.Abstractions;

namespace Backprop.MLNet.Packaging.Tests;

/// <summary>The comparison command line as a user gets it: installed with dotnet tool install from the packed folder, then run.</summary>
[Collection(PackagesCollection.Name)]
public sealed class ToolInstallTests(PackedPackages packages, ITestOutputHelper log)
{
    [SkippableFact]
    public void Installed_tool_compares_trainers_on_a_csv_and_writes_the_report()
    {
        string root = Repository.RequireRoot();
        string packageFolder = packages.Folder;
        string work = DotnetCommand.TempFolder("tool");
        try
        {
            var limit = TimeSpan.FromMinutes(5);
            string tools = Path.Combine(work, "tools"), packagesFolder = Path.Combine(work, "packages");
            DotnetCommand.RunProgram(DotnetCommand.Dotnet, work, limit, packagesFolder, "tool", "install", "backprop-compare",
                "--tool-path", tools, "--add-source", packageFolder, "--version", PackedPackages.Version).Succeeded();
            string command = Path.Combine(tools, OperatingSystem.IsWindows() ? "backprop-compare.exe" : "backprop-compare");
            Assert.True(File.Exists(command), $"dotnet tool install wrote no {command}");

            string data = Path.Combine(work, "iris.csv");
            File.Copy(Path.Combine(root, "samples", "data", "iris.csv"), data);
            string output = Path.Combine(work, "report");
            var run = DotnetCommand.RunProgram(command, work, limit, null,
                "--data", data, "--label", "species", "--folds", "2", "--trials", "2", "--out", output).Succeeded();
            log.WriteLine(run.Output);

            foreach (string trainer in new[] { "Backprop", "Backprop (tuned)", "SdcaMaximumEntropy", "LightGbm" })
                Assert.Contains(trainer, run.Output);
            string report = File.ReadAllText(Path.Combine(output, "report.md"));
            Assert.Contains("Backprop (tuned)", report);
            Assert.Contains("backprop-compare --data", report);   // the command that reproduces it, as the user runs it
            Assert.True(File.Exists(Path.Combine(output, "results.json")));
            Assert.True(new FileInfo(Path.Combine(output, "metric.png")).Length > 0);

            var bad = DotnetCommand.RunProgram(command, work, limit, null, "--data", data, "--label", "no_such_column");
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("no_such_column", bad.Output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
