using System.Globalization;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// Numbers as a comparison shows them in tables and on the console: culture-invariant, "—" for a value a trainer could
/// not give (NaN: a failed fold, log-loss without probabilities), "∞" and "−∞" for an infinite one (a diverged fold).
/// </summary>
internal static class Numbers
{
    public static string Format(double value, string format) => value switch
    {
        double.NaN => "—",
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ => value.ToString(format, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A format that suits <paramref name="value"/>'s size: three decimals below 10, two below 1,000, none below 10⁹
    /// (a price's RMSE), and four significant digits in scientific notation beyond (a diverged model's error).
    /// </summary>
    public static string FormatFor(double value) => Math.Abs(value) switch
    {
        >= 1e9 when double.IsFinite(value) => "0.000E+0",
        >= 1000 when double.IsFinite(value) => "N0",
        >= 10 when double.IsFinite(value) => "F2",
        _ => "F3",
    };
}
