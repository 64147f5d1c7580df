// Entry point of bin/cascade.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Answered before commander and the commands load: scripts call it to probe for the binary.
  const { VERSION } = await import('./version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('./program.js');
  process.exitCode = await main(argv);
}
