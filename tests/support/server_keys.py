"""The secrets server tests run with (never used outside tests)."""

TEST_JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789"
TEST_WEBHOOK_SECRET = "whsec_test_0123456789abcdef"
