// mailroom-pam-auth: checks one password through PAM for `mailroom serve`
// (passdb "pam:SERVICE"; mailroom-serve(8), "PAM").
//
// Why a helper of its own, linked to libpam dynamically, rather than PAM
// inside the static mailroom binary: PAM loads its modules (pam_unix.so,
// pam_sss.so, ...) with dlopen, and each module is linked to the shared
// libpam.so.0 and libc.so.6. In a static program that brings a second libc
// and a second libpam into the process: memory a module allocates with one
// malloc is freed by the other at pam_end, and the modules' NSS lookups
// need the very glibc build the program was linked with. Debian ships a
// libpam.a, but that does not change what the modules are. So PAM runs
// here, in a short-lived process of its own, exec'd (never only forked) by
// the listening process; the listener keeps its own heap to itself.
//
// Usage: mailroom-pam-auth SERVICE [REMOTE-ADDRESS]
// Reads "user NUL password" from stdin (at most 4 KiB), writes one line:
// "OK", "FAIL" (wrong password, unknown user, account refused) or
// "TEMP reason" (PAM itself failed: try later), and exits 0, 1 or 75.
#include <security/pam_appl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr std::size_t kMaxRequest = 4096;

struct Credentials {
  std::string user;
  std::string password;
};

// The conversation: the password for a hidden prompt, the user name for a
// visible one; text messages are ignored (nobody reads them).
int converse(int count, const pam_message** messages, pam_response** responses, void* data) {
  if (count <= 0 || count > PAM_MAX_NUM_MSG) return PAM_CONV_ERR;
  const auto* credentials = static_cast<const Credentials*>(data);
  auto* out = static_cast<pam_response*>(
      std::calloc(static_cast<std::size_t>(count), sizeof(pam_response)));
  if (out == nullptr) return PAM_BUF_ERR;
  for (int i = 0; i < count; ++i) {
    const char* answer = nullptr;
    if (messages[i]->msg_style == PAM_PROMPT_ECHO_OFF) answer = credentials->password.c_str();
    if (messages[i]->msg_style == PAM_PROMPT_ECHO_ON) answer = credentials->user.c_str();
    if (answer != nullptr) out[i].resp = ::strdup(answer);  // libpam frees it
  }
  *responses = out;
  return PAM_SUCCESS;
}

bool read_request(Credentials& credentials) {
  std::string request;
  char buffer[512];
  for (;;) {
    ssize_t n = ::read(0, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    request.append(buffer, static_cast<std::size_t>(n));
    if (request.size() > kMaxRequest) return false;
  }
  auto nul = request.find('\0');
  if (nul == std::string::npos || nul == 0) return false;
  credentials.user = request.substr(0, nul);
  credentials.password = request.substr(nul + 1);
  std::memset(request.data(), 0, request.size());
  return true;
}

int answer(const char* line, int status) {
  std::printf("%s\n", line);
  std::fflush(stdout);
  return status;
}

// Wrong password, unknown user, a refused account: the client's fault.
bool refused(int code) {
  return code == PAM_AUTH_ERR || code == PAM_USER_UNKNOWN || code == PAM_MAXTRIES ||
         code == PAM_ACCT_EXPIRED || code == PAM_PERM_DENIED || code == PAM_NEW_AUTHTOK_REQD ||
         code == PAM_CRED_INSUFFICIENT || code == PAM_AUTHTOK_EXPIRED;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) return answer("TEMP usage: mailroom-pam-auth SERVICE [RHOST]", 75);
  Credentials credentials;
  if (!read_request(credentials)) return answer("FAIL", 1);
  pam_conv conversation{converse, &credentials};
  pam_handle_t* handle = nullptr;
  int code = ::pam_start(argv[1], credentials.user.c_str(), &conversation, &handle);
  if (code != PAM_SUCCESS) return answer("TEMP pam_start failed", 75);
  if (argc == 3) (void)::pam_set_item(handle, PAM_RHOST, argv[2]);
  code = ::pam_authenticate(handle, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
  // The account too (expired, locked, pam_access rules), as login(1) does.
  if (code == PAM_SUCCESS) code = ::pam_acct_mgmt(handle, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
  std::string reason = ::pam_strerror(handle, code);
  ::pam_end(handle, code);
  std::memset(credentials.password.data(), 0, credentials.password.size());
  if (code == PAM_SUCCESS) return answer("OK", 0);
  if (refused(code)) return answer("FAIL", 1);
  return answer(("TEMP " + reason).c_str(), 75);
}
