import path from 'node:path';

/** Where the dev services live under the devenir home: venv, pid/log files, data folders. */
export function servicePaths(home: string) {
  const venv = path.join(home, 'venv');
  const services = path.join(home, 'services');
  return {
    venv,
    bin: path.join(venv, 'bin'),
    temporalBin: path.join(venv, 'bin', 'temporal'),
    weedBin: path.join(venv, 'bin', 'weed'),
    installStamp: path.join(venv, 'devenir-services.json'),
    services,
    lockFile: path.join(services, 'services.lock'),
    temporal: {
      pidFile: path.join(services, 'temporal.pid'),
      logFile: path.join(services, 'temporal.log'),
      dbFile: path.join(services, 'temporal.sqlite'),
    },
    seaweedfs: {
      pidFile: path.join(services, 'seaweedfs.pid'),
      logFile: path.join(services, 'seaweedfs.log'),
      dataDir: path.join(services, 'seaweedfs'),
      s3ConfigFile: path.join(services, 'seaweedfs-s3.json'),
    },
  };
}

export type ServicePaths = ReturnType<typeof servicePaths>;
