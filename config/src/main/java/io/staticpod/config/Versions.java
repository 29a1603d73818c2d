package io.staticpod.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version: the jar's Implementation-Version, else the Maven-filtered resource, else "dev". */
final class Versions {
    private Versions() {
    }

    static String current() {
        String fromJar = Versions.class.getPackage().getImplementationVersion();
        if (fromJar != null && !fromJar.isBlank()) {
            return fromJar;
        }
        try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                // unfiltered (built outside Maven): the placeholder is still there
                if (!v.isBlank() && !v.contains("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to "dev"
        }
        return "dev";
    }
}
