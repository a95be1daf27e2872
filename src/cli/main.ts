console.log('wharf');
