// System.Runtime.CompilerServices (imported for [CallerFilePath]) has a DLR type named CallSite; ours wins everywhere.
global using CallSite = AutoGrad.Differentiation.CallSite;
