using Diffuse.Cli;
using Diffuse.Runtime;

// Both must come before any tensor work: libgomp and glibc's malloc read their settings early.
OpenMpWaitPolicy.PreferPassive();
GlibcMallocSettings.KeepFreedMemory();
return DiffuseApp.Run(args);
