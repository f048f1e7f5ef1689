package org.autodifflite.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.autodifflite.core.Tensor;
import picocli.CommandLine;

/**
 * What {@code --version} prints: the build's version (from {@code version.properties}, which Maven
 * fills in), the matrix kernel in use, and the Java runtime. The kernel line says why when it is
 * the scalar one.
 */
final class VersionInfo implements CommandLine.IVersionProvider {

    static final String RESOURCE = "version.properties";

    /** @return the version Maven wrote into {@value #RESOURCE} */
    static String version() {
        try (InputStream in = VersionInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the demo's classpath; build the demo with Maven");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** @return the kernel and thread count, with the reason when it is the scalar kernel */
    static String kernel() {
        String k = Tensor.matmulKernel();
        if (!k.startsWith("scalar")) {
            return k;
        }
        if ("false".equalsIgnoreCase(System.getProperty("autodifflite.matmul.vector"))) {
            return k + " (the vector kernel is turned off by -Dautodifflite.matmul.vector=false)";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return k + " (the vector kernel needs the JVM option --add-modules jdk.incubator.vector;"
                    + " bin/autodiff-lite and the Maven build add it)";
        }
        return k + " (the vector API is there but offers no vector kernel on this CPU)";
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "autodiff-lite " + version(),
            "matrix kernel: " + kernel(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                    + System.getProperty("java.vendor") + ") on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch")};
    }
}
