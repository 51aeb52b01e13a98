using Diffuse.Cli;

OpenMpWaitPolicy.PreferPassive();
GlibcMallocSettings.KeepFreedMemory();
return DiffuseApp.Run(args);
