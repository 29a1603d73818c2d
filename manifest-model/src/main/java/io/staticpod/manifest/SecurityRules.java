package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

import static io.staticpod.manifest.PodValidator.text;
import static io.staticpod.manifest.PodValidator.unsupported;

/** The API server's rules for the parts of a pod's or container's {@code securityContext} that need more than types. */
final class SecurityRules {
    static final List<String> SECCOMP_TYPES = List.of("RuntimeDefault", "Unconfined", "Localhost");

    private SecurityRules() {
    }

    /** The {@code seccompProfile} of the security context {@code sc} at {@code path}, when there is one. */
    static void check(JsonNode sc, String path, Problems problems) {
        JsonNode profile = sc.get("seccompProfile");
        if (profile == null || !profile.isObject()) {
            return;
        }
        String p = path + ".seccompProfile";
        String type = text(profile, "type");
        String localhost = text(profile, "localhostProfile");
        if (type == null || type.isEmpty()) {
            problems.error(p + ".type", "required: RuntimeDefault, Unconfined or Localhost");
        } else if (!SECCOMP_TYPES.contains(type)) {
            problems.error(p + ".type", unsupported(type, SECCOMP_TYPES));
        } else if (type.equals("Localhost") && (localhost == null || localhost.isEmpty())) {
            problems.error(p + ".localhostProfile", "required when type is Localhost: the profile's path, relative"
                    + " to the kubelet's seccomp directory");
        } else if (!type.equals("Localhost") && localhost != null && !localhost.isEmpty()) {
            problems.error(p + ".localhostProfile", "may only be set when type is Localhost");
        }
        if (localhost != null && (localhost.startsWith("/") || List.of(localhost.split("/")).contains(".."))) {
            problems.error(p + ".localhostProfile", Names.invalid(localhost) + ": must be a relative path"
                    + " without '..'");
        }
    }
}
