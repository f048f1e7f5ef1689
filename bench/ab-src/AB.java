import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * Paired timing of two (or more) benchmarks jars in one JVM: each jar in a class loader of its
 * own, the same tasks run alternately (in reverse order every other round), round after round,
 * so that both see the same load.
 * Arguments: NET REPS ROUNDS JAR1,JAR2[,…] TASK… — prints each task's median per run and the
 * speed-up of every jar over the first.
 */
public final class AB {

    private AB() {
    }

    public static void main(String[] a) throws Exception {
        String net = a[0];
        int reps = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        String[] jars = a[3].split(",");
        String[] tasks = Arrays.copyOfRange(a, 4, a.length);
        URL here = AB.class.getProtectionDomain().getCodeSource().getLocation();
        IntToLongFunction[][] t = new IntToLongFunction[jars.length][tasks.length];
        // -Dab.reverse=true loads, builds and warms up the jars last first (results keep the
        // given order): which jar the JIT meets first moves a launch's ratios by several per cent.
        boolean reverse = Boolean.getBoolean("ab.reverse");
        for (int jj = 0; jj < jars.length; jj++) {
            int j = reverse ? jars.length - 1 - jj : jj;
            URLClassLoader cl = new URLClassLoader(new URL[] {here, Path.of(jars[j]).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> c = cl.loadClass("Task");
            for (int k = 0; k < tasks.length; k++) {
                t[j][k] = (IntToLongFunction) c.getConstructor(String.class, String.class).newInstance(tasks[k], net);
            }
        }
        for (int w = 0; w < 3; w++) { // warm-up: until the JIT has compiled the kernels
            for (int jj = 0; jj < jars.length; jj++) {
                for (IntToLongFunction f : t[reverse ? jars.length - 1 - jj : jj]) {
                    f.applyAsLong(reps);
                }
            }
        }
        double[][][] res = new double[tasks.length][jars.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < tasks.length; k++) {
                // Every other round in reverse order: whichever runs second was seen to run up to
                // 10 % slower on some tasks, whatever the code.
                for (int i = 0; i < jars.length; i++) {
                    int j = r % 2 == 0 ? i : jars.length - 1 - i;
                    res[k][j][r] = t[j][k].applyAsLong(reps) / 1e3 / reps;
                }
            }
        }
        for (int k = 0; k < tasks.length; k++) {
            StringBuilder sb = new StringBuilder(String.format("| %s |", tasks[k]));
            for (int j = 0; j < jars.length; j++) {
                double[] v = res[k][j].clone();
                Arrays.sort(v);
                sb.append(String.format(" %.1f µs |", v[v.length / 2]));
            }
            for (int j = 1; j < jars.length; j++) {
                double[] v0 = res[k][0].clone();
                double[] vj = res[k][j].clone();
                Arrays.sort(v0);
                Arrays.sort(vj);
                sb.append(String.format(" %.2f× |", v0[v0.length / 2] / vj[vj.length / 2]));
            }
            System.out.println(sb);
        }
    }
}
