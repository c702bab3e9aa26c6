using System.Diagnostics;
using System.Text;

namespace Backprop.MLNet.Packaging.Tests;

/// <summary>What a finished command said.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string Output)
{
    /// <summary>Asserts a zero exit code, showing the command and all it said otherwise.</summary>
    public CommandResult Succeeded()
    {
        Assert.True(ExitCode == 0, $"'{Command}' exited with {ExitCode}:\n{Output}");
        return this;
    }
}

/// <summary>
/// Runs the .NET CLI (or an installed tool) as a separate process, as a user would in a terminal: without the
/// MSBuild and test-host variables that <c>dotnet test</c> sets for this process, and with NuGet's global packages
/// folder redirected where a test asks.
/// </summary>
internal static class DotnetCommand
{
    /// <summary>The dotnet executable running these tests, so the child uses the same SDK.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public static CommandResult Run(string workingDirectory, TimeSpan limit, params string[] arguments) =>
        RunProgram(Dotnet, workingDirectory, limit, null, arguments);

    /// <summary>Runs <paramref name="program"/>; <paramref name="packagesFolder"/>, where given, becomes NUGET_PACKAGES.</summary>
    public static CommandResult RunProgram(string program, string workingDirectory, TimeSpan limit, string? packagesFolder, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        // dotnet test hands its child processes MSBuild's paths and the test host's settings; a user's shell has none.
        foreach (string name in start.Environment.Keys.ToArray())
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (packagesFolder is not null)
            start.Environment["NUGET_PACKAGES"] = packagesFolder;

        string command = Path.GetFileName(program) + " " + string.Join(' ', arguments);
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        void Append(object _, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
                lock (output)
                    output.AppendLine(e.Data);
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{command}' did not finish in {limit.TotalMinutes:0.#} minutes:\n{output}");
        }
        process.WaitForExit();
        lock (output)
            return new CommandResult(command, process.ExitCode, output.ToString());
    }

    /// <summary>The machine's global NuGet packages folder, as <c>dotnet nuget locals</c> reports it.</summary>
    public static string MachinePackagesFolder(string workingDirectory)
    {
        var listed = Run(workingDirectory, TimeSpan.FromMinutes(1), "nuget", "locals", "global-packages", "--list").Succeeded();
        const string prefix = "global-packages:";
        string? line = listed.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"'dotnet nuget locals global-packages --list' said no folder:\n{listed.Output}");
        return line![prefix.Length..].Trim();
    }

    /// <summary>A fresh empty folder under the system's temp folder, outside the repository.</summary>
    public static string TempFolder(string purpose)
    {
        string path = Path.Combine(Path.GetTempPath(), $"backprop-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
