; Pigeon speaks IP Messenger on UDP and TCP port 2425: peers announce themselves and send messages
; over UDP, files come over TCP. Without inbound rules Windows Firewall drops both, and the person
; would see no one. The rules are limited to private and domain networks: a LAN messenger has no
; business listening on public Wi-Fi. Installed per machine (nsis.perMachine), so netsh runs elevated.

!macro customInstall
  ; Remove first so reinstalling or upgrading never stacks duplicate rules.
  nsExec::Exec 'netsh advfirewall firewall delete rule name="Pigeon (IP Messenger UDP 2425)"'
  Pop $0
  nsExec::Exec 'netsh advfirewall firewall delete rule name="Pigeon (IP Messenger TCP 2425)"'
  Pop $0
  nsExec::Exec 'netsh advfirewall firewall add rule name="Pigeon (IP Messenger UDP 2425)" dir=in action=allow protocol=UDP localport=2425 profile=private,domain program="$INSTDIR\${APP_EXECUTABLE_FILENAME}" enable=yes'
  Pop $0
  nsExec::Exec 'netsh advfirewall firewall add rule name="Pigeon (IP Messenger TCP 2425)" dir=in action=allow protocol=TCP localport=2425 profile=private,domain program="$INSTDIR\${APP_EXECUTABLE_FILENAME}" enable=yes'
  Pop $0
!macroend

!macro customUnInstall
  nsExec::Exec 'netsh advfirewall firewall delete rule name="Pigeon (IP Messenger UDP 2425)"'
  Pop $0
  nsExec::Exec 'netsh advfirewall firewall delete rule name="Pigeon (IP Messenger TCP 2425)"'
  Pop $0
!macroend
