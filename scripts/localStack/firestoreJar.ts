import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const GCLOUD_JAR =
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';
const MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';

/** Where firebase-tools caches the Firestore emulator JAR it downloads (mirrors its own logic). */
export function firebaseToolsFirestoreJar(projectDir: string): string {
  const infoPath = path.join(
    projectDir,
    'node_modules/firebase-tools/lib/emulator/downloadableEmulatorInfo.json',
  );
  const info = JSON.parse(fs.readFileSync(infoPath, 'utf8')) as {
    firestore: { downloadPathRelativeToCacheDir: string };
  };
  const cacheDir =
    process.env.FIREBASE_EMULATORS_PATH ??
    path.join(os.homedir(), '.cache', 'firebase', 'emulators');
  return path.join(cacheDir, info.firestore.downloadPathRelativeToCacheDir);
}

/** Google's emulator from the Debian package google-cloud-cli-firestore-emulator, if installed. */
export function findGcloudFirestoreJar(): string | undefined {
  const listed = spawnSync('dpkg', ['-L', 'google-cloud-cli-firestore-emulator'], {
    encoding: 'utf8',
  });
  const fromDpkg =
    listed.status === 0
      ? listed.stdout.split('\n').find((line) => line.endsWith('emulator.jar'))
      : undefined;
  if (fromDpkg && fs.existsSync(fromDpkg)) return fromDpkg;
  return fs.existsSync(GCLOUD_JAR) ? GCLOUD_JAR : undefined;
}

/**
 * The gcloud JAR has no Main-Class, and firebase-tools runs `java -jar <path>` (and chmods it), so
 * we hand it a wrapper JAR we own whose manifest names the main class and puts the real JAR on the
 * class path. Built once into `.stack/` and reused while it points at the same JAR.
 */
function buildWrapperJar(stackDir: string, targetJar: string): string {
  const wrapper = path.join(stackDir, 'firestore-emulator-wrapper.jar');
  const manifestText = `Main-Class: ${MAIN_CLASS}\nClass-Path: file:${targetJar}\n`;
  const manifestPath = path.join(stackDir, 'firestore-emulator-wrapper.mf');
  if (
    fs.existsSync(wrapper) &&
    fs.existsSync(manifestPath) &&
    fs.readFileSync(manifestPath, 'utf8') === manifestText
  ) {
    return wrapper;
  }
  // Parallel stacks may build at the same moment: build under a unique name, then rename (atomic).
  const tmpJar = `${wrapper}.${process.pid}.tmp`;
  const tmpManifest = `${manifestPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmpManifest, manifestText);
  const result = spawnSync('jar', ['cfm', tmpJar, tmpManifest], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    fs.rmSync(tmpManifest, { force: true });
    throw new Error(
      `Could not build the Firestore emulator wrapper JAR with \`jar\` (part of the JDK: ` +
        `apt-get install -y openjdk-17-jdk-headless): ${result.error?.message ?? result.stderr}`,
    );
  }
  fs.renameSync(tmpJar, wrapper);
  fs.renameSync(tmpManifest, manifestPath);
  return wrapper;
}

export interface FirestoreEmulatorChoice {
  /** Value for FIRESTORE_EMULATOR_BINARY_PATH, or undefined to let firebase-tools decide. */
  binaryPath: string | undefined;
  /** One line for the log: which emulator runs and why. */
  description: string;
}

/**
 * Detect, don't hard-code: an explicit FIRESTORE_EMULATOR_BINARY_PATH wins; then firebase-tools'
 * own cached JAR; then the gcloud Debian package (offline machines); otherwise firebase-tools
 * downloads its JAR as usual.
 */
export function chooseFirestoreEmulator(
  projectDir: string,
  stackDir: string,
): FirestoreEmulatorChoice {
  const explicit = process.env.FIRESTORE_EMULATOR_BINARY_PATH;
  if (explicit) {
    return { binaryPath: explicit, description: `FIRESTORE_EMULATOR_BINARY_PATH=${explicit}` };
  }
  const cached = firebaseToolsFirestoreJar(projectDir);
  if (fs.existsSync(cached)) {
    return { binaryPath: undefined, description: `firebase-tools' cached ${cached}` };
  }
  const gcloudJar = findGcloudFirestoreJar();
  if (gcloudJar) {
    return {
      binaryPath: buildWrapperJar(stackDir, gcloudJar),
      description: `gcloud's ${gcloudJar} (through a wrapper JAR in .stack/)`,
    };
  }
  return { binaryPath: undefined, description: 'firebase-tools will download its JAR' };
}
