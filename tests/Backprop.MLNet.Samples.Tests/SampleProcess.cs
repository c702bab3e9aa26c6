using System.Diagnostics;
using System.Text.Json;

namespace Backprop.MLNet.Samples.Tests;

/// <summary>Runs a sample's built program as a separate process, as a user would, and captures what it says.</summary>
internal sealed record SampleProcess(int ExitCode, string Output, string Errors)
{
    /// <summary>The repository's root: the folder above this assembly that holds Backprop.MLNet.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Backprop.MLNet.sln")))
                    return dir.FullName;
            throw new InvalidOperationException($"No Backprop.MLNet.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The shared datasets folder (../shared/datasets from the repository), or null where it is absent.</summary>
    public static string? SharedDatasets => Backprop.MLNet.Benchmarks.BenchmarkSuite.Folder;

    public const string SharedMissing = "../shared/datasets is absent on this machine; it holds the GitHub-sourced datasets that may not be copied into the repository.";

    /// <summary>A shipped dataset, copied next to this assembly.</summary>
    public static string Shipped(string file) => Path.Combine(AppContext.BaseDirectory, "data", file);

    /// <summary>Runs samples/<paramref name="sample"/>, built with this assembly's configuration, with <paramref name="arguments"/>.</summary>
    public static SampleProcess Run(string sample, params string[] arguments)
    {
        using var process = Start(sample, arguments);
        return WaitFor(process, sample);
    }

    /// <summary>Starts samples/<paramref name="sample"/> with its output redirected; <see cref="WaitFor"/> collects it.</summary>
    public static Process Start(string sample, params string[] arguments)
    {
        // This assembly lives in tests/<project>/bin/<configuration>/<framework>/; the sample's in samples/<sample>/bin/<same>/.
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = here.Name, configuration = here.Parent!.Name;
        string program = Path.Combine(RepositoryRoot, "samples", sample, "bin", configuration, framework, sample + ".dll");
        Assert.True(File.Exists(program), $"{program} was not built");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(program);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }

    /// <summary>Waits (at most 5 minutes) for a process from <see cref="Start"/> and returns what it said.</summary>
    public static SampleProcess WaitFor(Process process, string sample)
    {
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{sample} did not finish in 5 minutes.");
        }
        return new SampleProcess(process.ExitCode, output.Result, errors.Result);
    }

    /// <summary>Asserts a zero exit code, showing what the program said otherwise.</summary>
    public SampleProcess Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}\n{Output}\n{Errors}");
        return this;
    }

    public static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    /// <summary>A fresh empty folder under the temp folder.</summary>
    public static string TempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "backprop-samples-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Asserts the file is a PNG image (its signature) of some size.</summary>
    public static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5_000, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
    }
}
