/**
 * Interfaces as `os.networkInterfaces()` reports them on a laptop with wired and Wi-Fi
 * links: shared by the tests of what the doctor says about interfaces.
 */
export const eth0 = {
  name: 'eth0',
  address: '192.168.1.23',
  netmask: '255.255.255.0',
  broadcast: '192.168.1.255',
  internal: false,
};
export const wifi = {
  name: 'wlan0',
  address: '10.20.30.40',
  netmask: '255.255.240.0',
  broadcast: '10.20.31.255',
  internal: false,
};
export const lo = {
  name: 'lo',
  address: '127.0.0.1',
  netmask: '255.0.0.0',
  broadcast: '127.255.255.255',
  internal: true,
};
