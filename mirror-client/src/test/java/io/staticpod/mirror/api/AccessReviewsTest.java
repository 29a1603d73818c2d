package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.staticpod.mirror.AccessReviews;
import io.staticpod.mirror.AccessReviews.AccessRequest;
import io.staticpod.mirror.AccessReviews.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessReviewsTest {
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-token-body.sig";
    static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
    static final String SARS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    MockApi api = MockApi.started();
    KubernetesClient client = api.newClient(io.staticpod.mirror.ApiRequestListener.NONE);
    AccessReviews reviews = new ApiServerAccessReviews(new RawRequests(client));

    @AfterEach
    void tearDown() {
        client.close();
        api.close();
    }

    @Test
    void aTokenTheApiServerAuthenticatesIsItsUserWithGroupsAndUid() throws Exception {
        api.server().expect().post().withPath(TOKEN_REVIEWS).andReturn(201, new TokenReviewBuilder()
                .withNewStatus().withAuthenticated(true).withNewUser().withUsername("system:serviceaccount:ns:reader")
                .withUid("u-1").withGroups("system:serviceaccounts", "system:authenticated").endUser().endStatus()
                .build()).once();

        AccessReviews.TokenVerdict verdict = reviews.reviewToken(TOKEN);

        assertThat(verdict.authenticated()).isTrue();
        assertThat(verdict.user()).isEqualTo(new User("system:serviceaccount:ns:reader", "u-1",
                List.of("system:serviceaccounts", "system:authenticated"), Map.of()));
        JsonNode sent = body(api.server().takeRequest(5, TimeUnit.SECONDS));
        assertThat(sent.path("spec").path("token").asText()).isEqualTo(TOKEN);
    }

    @Test
    void aTokenTheApiServerRefusesIsNotAuthenticatedWithItsReason() {
        api.server().expect().post().withPath(TOKEN_REVIEWS).andReturn(201, new TokenReviewBuilder()
                .withNewStatus().withAuthenticated(false).withError("token expired").endStatus().build()).once();

        AccessReviews.TokenVerdict verdict = reviews.reviewToken(TOKEN);

        assertThat(verdict.authenticated()).isFalse();
        assertThat(verdict.user()).isNull();
        assertThat(verdict.error()).isEqualTo("token expired");
    }

    @Test
    void asksForTheNodesSubresourceOfThisNodeWithTheUsersGroupsAndReturnsTheVerdict() throws Exception {
        api.server().expect().post().withPath(SARS).andReturn(201, new SubjectAccessReviewBuilder()
                .withNewStatus().withAllowed(false).withReason("no RBAC rule").endStatus().build()).once();

        AccessReviews.AccessVerdict verdict = reviews.review(new AccessRequest(
                new User("jane", "", List.of("devs"), Map.of()), "create", "nodes", "proxy", "node-1"));

        assertThat(verdict).isEqualTo(new AccessReviews.AccessVerdict(false, "no RBAC rule"));
        JsonNode spec = body(api.server().takeRequest(5, TimeUnit.SECONDS)).path("spec");
        assertThat(spec.path("user").asText()).isEqualTo("jane");
        assertThat(spec.path("groups").toString()).isEqualTo("[\"devs\"]");
        JsonNode attrs = spec.path("resourceAttributes");
        assertThat(attrs.path("verb").asText()).isEqualTo("create");
        assertThat(attrs.path("resource").asText()).isEqualTo("nodes");
        assertThat(attrs.path("subresource").asText()).isEqualTo("proxy");
        assertThat(attrs.path("name").asText()).isEqualTo("node-1");
        assertThat(attrs.path("version").asText()).isEqualTo("v1");
        assertThat(attrs.path("group").asText()).isEmpty();
    }

    @Test
    void anAllowedRequestIsAllowed() {
        api.server().expect().post().withPath(SARS).andReturn(201, new SubjectAccessReviewBuilder()
                .withNewStatus().withAllowed(true).endStatus().build()).once();

        assertThat(reviews.review(new AccessRequest(new User("admin", null, List.of(), null), "get", "nodes",
                "metrics", "node-1")).allowed()).isTrue();
    }

    @Test
    void anErrorAnswerIsUnavailableNamingTheCallAndTheStatusNeverTheToken() {
        api.server().expect().post().withPath(TOKEN_REVIEWS).andReturn(403, "{\"kind\":\"Status\","
                + "\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"forbidden\",\"code\":403}").once();

        assertThatThrownBy(() -> reviews.reviewToken(TOKEN)).isInstanceOf(AccessReviews.Unavailable.class)
                .hasMessageStartingWith("TokenReview failed: HTTP 403")
                .hasMessageNotContaining(TOKEN).hasNoCause();
    }

    @Test
    void anUnreachableApiServerIsUnavailableForBothReviews() {
        api.stop();

        assertThatThrownBy(() -> reviews.reviewToken(TOKEN)).isInstanceOf(AccessReviews.Unavailable.class)
                .hasMessageStartingWith("TokenReview failed: no answer from the API server")
                .hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> reviews.review(new AccessRequest(new User("a", null, null, null), "get", "nodes",
                "proxy", "n"))).isInstanceOf(AccessReviews.Unavailable.class)
                .hasMessageStartingWith("SubjectAccessReview failed: no answer from the API server");
    }

    private static JsonNode body(RecordedRequest request) throws Exception {
        assertThat(request).isNotNull();
        return new ObjectMapper().readTree(request.getBody().readUtf8());
    }
}
