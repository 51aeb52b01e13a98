using Diffuse.Cli;

OpenMpWaitPolicy.PreferPassive();
return DiffuseApp.Run(args);
