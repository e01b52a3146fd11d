// The mock under abuse: a port already taken, connections that hold a
// worker without finishing a request, requests cpp-httplib refuses before any
// route sees them, and a handler that throws. Raw sockets, because an HTTP
// client library would not send the broken requests these tests need.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/clock.h"
#include "mocks/journal.h"
#include "mocks/mock_server.h"
#include "mocks/mock_target.h"
#include "mocks/oauth_dialect.h"
#include "mocks/scim_dialect.h"
#include "scenarios/scenario.h"

namespace faultline::mocks {
namespace {

using nlohmann::json;

scenarios::Scenario tinyScenario() {
  scenarios::Scenario s;
  s.name = "mock-server-limits-test";
  s.seed = 7;
  s.tenant.accounts = 3;
  s.tenant.groups = 1;
  s.tenant.entitlements = 1;
  return s;
}

// A connected loopback socket whose every send and receive gives up after
// `timeout`: a server that never answers fails the test instead of hanging it.
class RawSocket {
 public:
  RawSocket(int port, std::chrono::milliseconds timeout) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    // connect() honours the send timeout too, should the listen queue be full.
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Everything up to the peer's close, or what arrived before the timeout.
  std::string receiveAll() {
    std::string out;
    char buf[4096];
    for (int reads = 0; reads < 1024; ++reads) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::string bodyOf(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string headerOf(const std::string& response, const std::string& name) {
  const std::string key = "\r\n" + name + ": ";
  const auto at = response.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return response.substr(start, response.find("\r\n", start) - start);
}

class MockServerLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override { port_ = (target_.start(), portOf(target_.tokenUrl())); }

  static int portOf(const std::string& url) {
    const auto colon = url.rfind(':');
    return std::stoi(url.substr(colon + 1, url.find('/', colon) - colon - 1));
  }

  ManualClock clock_;
  const scenarios::Scenario scenario_ = tinyScenario();
  MockTarget target_{scenario_, scenario_.seed, clock_};
  int port_ = 0;
};

TEST_F(MockServerLimitsTest, SecondServerOnATakenPortFailsNamingThePort) {
  ManualClock clock;
  MockServerOptions options;
  options.port = port_;
  MockTarget second(scenario_, scenario_.seed, clock, options);
  try {
    second.start();
    FAIL() << "a second server bound port " << port_ << " while the first listens on it";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "port " + std::to_string(port_) + " on 127.0.0.1 is already in use");
  }
}

TEST_F(MockServerLimitsTest, PortZeroStillGivesEachServerItsOwnPort) {
  ManualClock clock;
  MockTarget second(scenario_, scenario_.seed, clock);
  second.start();
  EXPECT_NE(portOf(second.tokenUrl()), port_);
}

// 100 connections that send half a request line or nothing at all must not
// keep a well-behaved client waiting: each would otherwise hold a worker.
TEST_F(MockServerLimitsTest, NormalRequestIsAnsweredWhileHundredSlowConnectionsAreOpen) {
  constexpr int kSlow = 100;
  constexpr auto kBound = std::chrono::milliseconds(3000);
  std::vector<std::unique_ptr<RawSocket>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<RawSocket>(port_, kBound));
    ASSERT_TRUE(slow.back()->connected()) << "connection " << i;
    if (i % 2 == 0) {
      ASSERT_TRUE(slow.back()->send("GET /scim/v2/Users HTTP/1.1\r\nHo"));
    }
  }
  const auto started = std::chrono::steady_clock::now();
  RawSocket normal(port_, kBound);
  ASSERT_TRUE(normal.connected());
  ASSERT_TRUE(normal.send(
      "GET /scim/v2/ServiceProviderConfig HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string answer = normal.receiveAll();
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::cout << "normal GET answered in " << waited.count() << " ms with " << kSlow
            << " slow connections open\n";
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 401") << answer;
}

// RFC 7230 §3.3.3: a request with neither Content-Length nor
// Transfer-Encoding has an empty body; waiting for more is a hang.
TEST_F(MockServerLimitsTest, TokenRequestWithoutBodyGetsJsonInvalidRequestAtOnce) {
  RawSocket s(port_, std::chrono::milliseconds(3000));
  ASSERT_TRUE(s.send("POST /oauth2/token HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string answer = s.receiveAll();
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << answer;
  EXPECT_EQ(headerOf(answer, "Content-Type"), "application/json");
  EXPECT_EQ(headerOf(answer, "Cache-Control"), "no-store");
  EXPECT_EQ(bodyOf(answer),
            R"({"error":"invalid_request","error_description":"grant_type is required"})");
}

TEST_F(MockServerLimitsTest, RequestRefusedBeforeRoutingGetsJsonErrorAndIsJournaled) {
  RawSocket s(port_, std::chrono::milliseconds(3000));
  ASSERT_TRUE(s.send("BREW /scim/v2/Users HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string answer = s.receiveAll();
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << answer;
  EXPECT_EQ(headerOf(answer, "Content-Type"), "application/scim+json");
  const json body = json::parse(bodyOf(answer), nullptr, false);
  EXPECT_EQ(body["status"], "400") << answer;
  EXPECT_EQ(body["detail"], "the request could not be read as HTTP (400)") << answer;
  const auto entries = target_.journal().entries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().status, 400);
  EXPECT_EQ(entries.back().method, "BREW");
}

TEST_F(MockServerLimitsTest, MethodNoRouteServesIsNotImplementedWithScimError) {
  RawSocket s(port_, std::chrono::milliseconds(3000));
  ASSERT_TRUE(s.send("OPTIONS /scim/v2/Users HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string answer = s.receiveAll();
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 501") << answer;
  EXPECT_EQ(headerOf(answer, "Content-Type"), "application/scim+json");
  const json body = json::parse(bodyOf(answer), nullptr, false);
  EXPECT_EQ(body["status"], "501") << answer;
  EXPECT_EQ(body["detail"], "OPTIONS is not supported") << answer;
  EXPECT_EQ(target_.journal().entries().back().status, 501);
}

TEST_F(MockServerLimitsTest, TokenRequestRefusedBeforeRoutingGetsOAuthError) {
  RawSocket s(port_, std::chrono::milliseconds(3000));
  // A chunk size that is not hexadecimal: cpp-httplib gives up on the body.
  ASSERT_TRUE(
      s.send("POST /oauth2/token HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
             "Connection: close\r\n\r\nzz\r\n\r\n"));
  const std::string answer = s.receiveAll();
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << answer;
  EXPECT_EQ(headerOf(answer, "Content-Type"), "application/json");
  EXPECT_EQ(headerOf(answer, "Cache-Control"), "no-store");
  EXPECT_EQ(bodyOf(answer),
            R"j({"error":"invalid_request",)j"
            R"j("error_description":"the request could not be read as HTTP (400)"})j");
  EXPECT_EQ(target_.journal().entries().back().note,
            "refused before routing: the request could not be read as HTTP (400)");
}

// A dialect whose only route throws something that is not a std::exception.
class ThrowingDialect final : public Dialect {
 public:
  std::string name() const override { return "throwing"; }
  std::vector<Route> routes() override {
    return {{"GET", "/boom", AuthMode::None, [](const MockRequest&) -> MockResponse { throw 42; }}};
  }
  MockResponse unauthorized(const std::string&, bool) const override { return {}; }
  MockResponse notFound(const std::string&) const override { return {}; }
  RequestTarget classify(const MockRequest&) const override { return {}; }
  MockResponse refused(int status, const std::string&) const override {
    MockResponse r;
    r.status = status;
    return r;
  }
  MockResponse internalError(const std::string& detail) const override {
    MockResponse r;
    r.status = 500;
    r.body = json{{"error", detail}}.dump();
    return r;
  }
};

TEST(MockServerExceptionTest, HandlerThrowingAnythingIsAnswered500AndJournaled) {
  Journal journal;
  ManualClock clock;
  TokenIssuer issuer(1, clock, 600);
  MockServer server(journal, issuer, clock);
  server.addDialect(std::make_unique<ThrowingDialect>());
  const int port = server.start();
  RawSocket s(port, std::chrono::milliseconds(3000));
  ASSERT_TRUE(s.send("GET /boom HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string answer = s.receiveAll();
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 500") << answer;
  EXPECT_EQ(bodyOf(answer), R"({"error":"unknown exception"})");
  const auto entries = journal.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].status, 500);
  EXPECT_EQ(entries[0].note, "harness bug: unknown exception");
}

}  // namespace
}  // namespace faultline::mocks
