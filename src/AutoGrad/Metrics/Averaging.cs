namespace AutoGrad.Metrics;

/// <summary>How per-class metrics are combined into one number (macro, micro or weighted, as in scikit-learn).</summary>
public enum Averaging
{
    /// <summary>Unweighted mean over classes, <c>(1/k) Σ_c m_c</c>.</summary>
    Macro,

    /// <summary>The metric of the summed counts, <c>m(Σ_c TP_c, Σ_c FN_c, Σ_c FP_c, Σ_c TN_c)</c>.</summary>
    Micro,

    /// <summary>Mean weighted by support, <c>Σ_c n_c m_c / Σ_c n_c</c>.</summary>
    Weighted,
}
