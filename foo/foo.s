// No code on purpose: an assembly file in the package tells the compiler that
// bodyless functions such as Div are defined elsewhere.
