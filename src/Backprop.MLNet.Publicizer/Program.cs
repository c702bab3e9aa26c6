// Usage: Backprop.MLNet.Publicizer OUTPUT_DIRECTORY ASSEMBLY...
// Writes a publicized copy of each assembly, under its own file name, into OUTPUT_DIRECTORY.
using Backprop.MLNet.Publicizer;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Backprop.MLNet.Publicizer OUTPUT_DIRECTORY ASSEMBLY...");
    return 2;
}

string output = args[0];
Directory.CreateDirectory(output);
foreach (string input in args[1..])
{
    if (!File.Exists(input))
    {
        Console.Error.WriteLine($"Backprop.MLNet.Publicizer: the assembly '{input}' does not exist.");
        return 1;
    }
    AssemblyPublicizer.Publicize(input, Path.Combine(output, Path.GetFileName(input)));
}
return 0;
