namespace Backprop;

/// <summary>How a layer's weights are drawn before training. Biases always start at zero.</summary>
public enum WeightInitialization
{
    /// <summary>He uniform before the rectifier family (ReLU, LeakyReLU, GELU), Glorot uniform elsewhere.</summary>
    Automatic = 0,

    /// <summary>U(−√(6/fan_in), √(6/fan_in)).</summary>
    HeUniform = 1,

    /// <summary>N(0, 2/fan_in).</summary>
    HeNormal = 2,

    /// <summary>U(−√(6/(fan_in+fan_out)), √(6/(fan_in+fan_out))). The default of the trainers' options.</summary>
    GlorotUniform = 3,

    /// <summary>N(0, 2/(fan_in+fan_out)).</summary>
    GlorotNormal = 4,
}
