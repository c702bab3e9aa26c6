using Mono.Cecil;

namespace Backprop.MLNet.Publicizer;

/// <summary>
/// Rewrites an assembly's access modifiers so that code compiled against the copy may use its internals: internal
/// and private types, methods and fields become public, and <c>private protected</c> / <c>protected internal</c>
/// members become <c>protected</c> (so overriding them stays legal). The assembly's name, version and public key are
/// kept, so code compiled against the copy binds to the real assembly at run time, where
/// <c>IgnoresAccessChecksToAttribute</c> lets the runtime allow the access.
/// </summary>
internal static class AssemblyPublicizer
{
    /// <summary>Writes the publicized copy of <paramref name="inputPath"/> to <paramref name="outputPath"/>.</summary>
    public static void Publicize(string inputPath, string outputPath)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(inputPath))!);
        using AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(inputPath, new ReaderParameters { AssemblyResolver = resolver });
        foreach (TypeDefinition type in assembly.MainModule.GetTypes())
            Publicize(type);
        // Strong-name signatures cannot survive the edit; the copy is only ever compiled against, never loaded.
        assembly.Write(outputPath);
    }

    private static void Publicize(TypeDefinition type)
    {
        if (IsCompilerGenerated(type.Name))
            return;
        if (type.IsNested)
            type.IsNestedPublic = true;
        else
            type.IsPublic = true;

        foreach (MethodDefinition method in type.Methods)
        {
            if (method.IsFamilyAndAssembly || method.IsFamilyOrAssembly)
                method.IsFamily = true;
            else if (method.IsAssembly || method.IsPrivate && !IsExplicitImplementation(method))
                method.IsPublic = true;
        }

        foreach (FieldDefinition field in type.Fields)
        {
            // Backing fields and event delegates would clash with their properties and events of the same name.
            if (IsCompilerGenerated(field.Name) || type.Events.Any(e => e.Name == field.Name))
                continue;
            if (field.IsFamilyAndAssembly || field.IsFamilyOrAssembly)
                field.IsFamily = true;
            else if (field.IsAssembly || field.IsPrivate)
                field.IsPublic = true;
        }
    }

    private static bool IsCompilerGenerated(string name) => name.Contains('<', StringComparison.Ordinal);

    /// <summary>Explicit interface implementations (named I.M) must stay private.</summary>
    private static bool IsExplicitImplementation(MethodDefinition method) => method.HasOverrides && method.Name.Contains('.', StringComparison.Ordinal);
}
