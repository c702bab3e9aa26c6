using Spectre.Console;

namespace Samples;

/// <summary>What every sample does first.</summary>
internal static class SampleStart
{
    /// <summary>
    /// Widens the console for the tables when the output is redirected (a file, a test), and creates the output
    /// folder: <c>--out folder</c>, else <c>artifacts/&lt;name&gt;</c> under the current folder. Any other argument ends
    /// the program with its usage and exit code 2.
    /// </summary>
    public static string OutputFolder(string[] args, string name)
    {
        if (args.Length != 0 && !(args.Length == 2 && args[0] == "--out"))
        {
            Console.Error.WriteLine($"usage: dotnet run --project samples/{AppDomain.CurrentDomain.FriendlyName} -c Release [-- --out folder]");
            Environment.Exit(2);
        }
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 120;
        string output = args.Length == 2 ? args[1] : Path.Combine("artifacts", name);
        Directory.CreateDirectory(output);
        return output;
    }
}
