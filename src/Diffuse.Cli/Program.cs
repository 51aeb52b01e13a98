using Diffuse.Cli;

return DiffuseApp.Run(args);
