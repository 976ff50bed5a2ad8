package io.opspulse.agent.core;

import org.jspecify.annotations.Nullable;

/**
 * One client library exchange as the agent read it from the library's own objects: what an {@code
 * http.client.request.duration} observation is made of. {@code port} -1 where the URL names none
 * (the scheme's default applies), {@code status} 0 where no response came.
 */
record ClientCall(
    @Nullable String method,
    @Nullable String scheme,
    @Nullable String host,
    int port,
    int status) {}
