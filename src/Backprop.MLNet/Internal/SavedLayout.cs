namespace Backprop.MLNet.Internal;

/// <summary>Which layout a Backprop model entry was saved in, from the version ML.NET's header records.</summary>
internal enum SavedLayout
{
    /// <summary>One network, then the feature standardisation (no kind): the first release.</summary>
    Initial,

    /// <summary>Adds the scaling's smooth-clip flag and the ensemble's further networks.</summary>
    WithScalingKindAndEnsemble,

    /// <summary>Everything in one block under a length and a SHA-256 (<see cref="CheckedModelBlock"/>), task data included.</summary>
    Checked,
}
