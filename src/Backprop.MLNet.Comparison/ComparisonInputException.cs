namespace Backprop.MLNet.Comparison;

/// <summary>
/// The data or the settings of a comparison cannot work: the message names the file, column or option and says how
/// to fix it. Command-line front ends print it and exit with a non-zero code.
/// </summary>
public sealed class ComparisonInputException : Exception
{
    /// <summary>Creates the exception with a message that names the problem and its fix.</summary>
    public ComparisonInputException(string message) : base(message) { }

    /// <summary>Creates the exception with a message that names the problem and its fix, and the error behind it.</summary>
    public ComparisonInputException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a generic message; prefer the overloads that say what to fix.</summary>
    public ComparisonInputException() : base("The comparison's input is not usable.") { }
}
