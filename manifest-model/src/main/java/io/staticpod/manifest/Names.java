package io.staticpod.manifest;

import java.util.regex.Pattern;

/** The API's name formats, each with a message that says what is valid. Returns null when the name is valid. */
final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile(LABEL.pattern() + "(\\." + LABEL.pattern() + ")*");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    static final int LABEL_MAX = 63;
    static final int SUBDOMAIN_MAX = 253;

    private Names() {
    }

    /** RFC 1123 label: container, volume and namespace names. */
    static String checkLabel(String name) {
        if (name.length() > LABEL_MAX) {
            return invalid(name) + ": must be no more than " + LABEL_MAX + " characters";
        }
        if (!LABEL.matcher(name).matches()) {
            return invalid(name) + ": must be a lowercase RFC 1123 label: lowercase letters, digits and '-',"
                    + " starting and ending with a letter or digit (e.g. \"my-name\")";
        }
        return null;
    }

    /** RFC 1123 subdomain: pod names. */
    static String checkSubdomain(String name) {
        if (name.length() > SUBDOMAIN_MAX) {
            return invalid(name) + ": must be no more than " + SUBDOMAIN_MAX + " characters";
        }
        if (!SUBDOMAIN.matcher(name).matches()) {
            return invalid(name) + ": must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and"
                    + " '.', starting and ending with a letter or digit (e.g. \"my-pod\")";
        }
        return null;
    }

    /** IANA_SVC_NAME: port names. */
    static String checkPortName(String name) {
        if (name.length() > 15 || !PORT_NAME.matcher(name).matches() || name.contains("--")
                || !HAS_LETTER.matcher(name).matches()) {
            return invalid(name) + ": must be an IANA service name: at most 15 lowercase letters, digits and"
                    + " '-', with at least one letter, no '--', starting and ending with a letter or digit"
                    + " (e.g. \"http\")";
        }
        return null;
    }

    /** A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
    static String checkQualifiedKey(String key) {
        int slash = key.indexOf('/');
        String name = key.substring(slash + 1);
        if (slash >= 0 && (slash == 0 || checkSubdomain(key.substring(0, slash)) != null)) {
            return "invalid key " + quote(key) + ": the prefix before '/' must be a lowercase DNS subdomain"
                    + " (e.g. \"example.com/name\")";
        }
        if (name.length() > LABEL_MAX || !QUALIFIED_NAME.matcher(name).matches()) {
            return "invalid key " + quote(key) + ": the name must be at most 63 letters, digits, '-', '_' or '.',"
                    + " starting and ending with a letter or digit";
        }
        return null;
    }

    /** A label value: empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric. */
    static String checkLabelValue(String value) {
        if (!value.isEmpty() && (value.length() > LABEL_MAX || !QUALIFIED_NAME.matcher(value).matches())) {
            return invalid(value) + ": a label value must be empty or at most 63 letters, digits, '-', '_' or '.',"
                    + " starting and ending with a letter or digit";
        }
        return null;
    }

    /** Quotes a value in a message; a long one only by its start and length, so a message stays one line. */
    static String invalid(String value) {
        return "invalid value " + quote(value);
    }

    static String quote(String value) {
        return value.length() <= QUOTE_MAX ? "\"" + value + "\""
                : "\"" + value.substring(0, QUOTE_MAX - 16) + "…\" (" + value.length() + " characters)";
    }

    private static final int QUOTE_MAX = 80;
}
