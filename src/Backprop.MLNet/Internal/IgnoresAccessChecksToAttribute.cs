// The runtime (not the compiler) honours this attribute: it lets this assembly use the internal members of the named
// assemblies, which it was compiled against through publicized copies (see Backprop.MLNet.csproj). The type is not
// in the base library, so it is declared here, in the namespace the runtime looks for.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.StandardTrainers")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Transforms")]

namespace System.Runtime.CompilerServices;

/// <summary>Lets this assembly use the internals of <see cref="AssemblyName"/> at run time.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The simple name of the assembly whose internals are used.</summary>
    public string AssemblyName { get; } = assemblyName;
}
