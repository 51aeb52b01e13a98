using Diffuse.Cli;
using Diffuse.Runtime;

// Must come before any tensor work: glibc's malloc reads its settings early. OpenMP waiting is left to libgomp's
// default (workers spin briefly between parallel regions, the fastest on a machine of one's own); on a machine whose
// cores are busy with other work, OMP_WAIT_POLICY=PASSIVE is faster (docs/benchmarks.md#openmp-waiting).
GlibcMallocSettings.KeepFreedMemory();
return DiffuseApp.Run(args);
