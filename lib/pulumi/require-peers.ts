/**
 * `kubestack/pulumi` needs the optional peers; without them, say which and how to install them
 * instead of a bare "Cannot find module" from inside the package.
 */
for (const peer of ['@pulumi/pulumi', '@pulumi/kubernetes']) {
  try {
    require.resolve(peer);
  } catch {
    throw new Error(
      `kubestack/pulumi needs the optional peer dependencies @pulumi/pulumi and @pulumi/kubernetes, and '${peer}' is not installed: ` +
        'npm install @pulumi/pulumi@^3.248.0 @pulumi/kubernetes@^4.25.0 (the main entry point, kubestack, needs neither)',
    );
  }
}

export {};
