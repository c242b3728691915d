import type { CommandDefinition } from './types.js';

export const initCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('init')
    .summary('write a commented secgate.yml for this repository and print the CI snippet')
    .description(
      'Look at the repository (Dockerfile, lock files, sonar-project.properties, an OpenAPI file, .github/ or .gitlab-ci.yml), write a commented secgate.yml for what it finds, and print the CI snippet for the platform it finds. Never overwrites an existing file unless --force.',
    )
    .option('-c, --config <file>', 'where to write the configuration', 'secgate.yml')
    .option('--force', 'overwrite an existing configuration file')
    .option('--debug', 'print stack traces for errors')
    .action(async (opts) => {
      const { init } = await import('../init.js');
      done(await init(opts, ctx));
    });
};
